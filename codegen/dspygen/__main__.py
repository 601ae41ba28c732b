from dspygen.cli import main

main()
